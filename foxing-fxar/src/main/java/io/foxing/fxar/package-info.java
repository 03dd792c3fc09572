// SPDX-License-Identifier: Apache-2.0
/**
 * FXAR v2 archives: {@link io.foxing.fxar.FxarWriter}, {@link io.foxing.fxar.FxarFile}, {@link
 * io.foxing.fxar.FxarStreamReader}, and whole trees through {@link io.foxing.fxar.Snapshots}.
 */
@NullMarked
package io.foxing.fxar;

import org.jspecify.annotations.NullMarked;
