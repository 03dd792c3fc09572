// SPDX-License-Identifier: Apache-2.0
/**
 * The file-event API: {@link io.foxing.api.events.EventSources} picks an {@link
 * io.foxing.api.events.EventSource}, whose {@link io.foxing.api.events.EventStream} yields {@link
 * io.foxing.api.events.FileEvent}s.
 */
@NullMarked
package io.foxing.api.events;

import org.jspecify.annotations.NullMarked;
