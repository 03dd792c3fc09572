// SPDX-License-Identifier: Apache-2.0
/**
 * The service-provider interfaces through which the copy engine, copy tiers and targets plug in.
 */
@NullMarked
package io.foxing.api.spi;

import org.jspecify.annotations.NullMarked;
