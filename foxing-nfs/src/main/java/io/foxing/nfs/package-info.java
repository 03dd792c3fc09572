// SPDX-License-Identifier: Apache-2.0
/** A user-space NFSv4.1/4.2 client: {@link io.foxing.nfs.NfsClient}. */
@NullMarked
package io.foxing.nfs;

import org.jspecify.annotations.NullMarked;
