// SPDX-License-Identifier: Apache-2.0
package io.foxing.nfs;

/** One entry of {@link NfsClient#list}: a name in the directory and its attributes. */
public record NfsDirEntry(String name, NfsAttributes attributes) {}
