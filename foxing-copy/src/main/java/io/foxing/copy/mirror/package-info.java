// SPDX-License-Identifier: Apache-2.0
/**
 * Keeps targets equal to a changing source directory, driven by file events: {@link
 * io.foxing.copy.mirror.Mirror}.
 */
@NullMarked
package io.foxing.copy.mirror;

import org.jspecify.annotations.NullMarked;
