// SPDX-License-Identifier: Apache-2.0
/** The local copy engine: {@link io.foxing.copy.SmartCopier}. */
@NullMarked
package io.foxing.copy;

import org.jspecify.annotations.NullMarked;
