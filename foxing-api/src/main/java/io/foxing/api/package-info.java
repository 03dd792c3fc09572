// SPDX-License-Identifier: Apache-2.0
/**
 * Foxing's copy API: {@link io.foxing.api.Copiers} opens a {@link io.foxing.api.Copier} for a
 * target, configured by {@link io.foxing.api.CopyOptions}, heard by a {@link
 * io.foxing.api.CopyListener} and summed up in a {@link io.foxing.api.CopyReport}.
 */
@NullMarked
package io.foxing.api;

import org.jspecify.annotations.NullMarked;
