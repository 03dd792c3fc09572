// SPDX-License-Identifier: Apache-2.0
package io.foxing.nfs.internal;

import java.io.IOException;

/**
 * The server refused an RPC call (wrong program or version, credentials, undecodable arguments).
 */
public final class RpcException extends IOException {
  public RpcException(String message) {
    super(message);
  }
}
