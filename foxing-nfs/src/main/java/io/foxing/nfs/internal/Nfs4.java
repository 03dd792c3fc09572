// SPDX-License-Identifier: Apache-2.0
package io.foxing.nfs.internal;

/** Numbers from the protocol definitions: RFC 8881 (NFSv4.1), RFC 7862 (4.2), RFC 5531 (RPC). */
final class Nfs4 {
  private Nfs4() {}

  static final int PROGRAM = 100003;
  static final int VERSION = 4;
  static final int PROC_NULL = 0;
  static final int PROC_COMPOUND = 1;
  static final int MINOR_VERSION = 2;

  // nfs_opnum4
  static final int OP_ACCESS = 3;
  static final int OP_CLOSE = 4;
  static final int OP_COMMIT = 5;
  static final int OP_CREATE = 6;
  static final int OP_GETATTR = 9;
  static final int OP_GETFH = 10;
  static final int OP_LINK = 11;
  static final int OP_LOOKUP = 15;
  static final int OP_OPEN = 18;
  static final int OP_PUTFH = 22;
  static final int OP_PUTROOTFH = 24;
  static final int OP_READ = 25;
  static final int OP_READDIR = 26;
  static final int OP_READLINK = 27;
  static final int OP_REMOVE = 28;
  static final int OP_RENAME = 29;
  static final int OP_RESTOREFH = 31;
  static final int OP_SAVEFH = 32;
  static final int OP_SETATTR = 34;
  static final int OP_WRITE = 38;
  static final int OP_EXCHANGE_ID = 42;
  static final int OP_CREATE_SESSION = 43;
  static final int OP_DESTROY_SESSION = 44;
  static final int OP_SEQUENCE = 53;
  static final int OP_DESTROY_CLIENTID = 57;
  static final int OP_RECLAIM_COMPLETE = 58;
  static final int OP_ALLOCATE = 59;
  static final int OP_COPY = 60;
  static final int OP_DEALLOCATE = 62;
  static final int OP_SEEK = 69;
  static final int OP_CLONE = 71;

  static String opName(int op) {
    return switch (op) {
      case OP_ACCESS -> "ACCESS";
      case OP_CLOSE -> "CLOSE";
      case OP_COMMIT -> "COMMIT";
      case OP_CREATE -> "CREATE";
      case OP_GETATTR -> "GETATTR";
      case OP_GETFH -> "GETFH";
      case OP_LINK -> "LINK";
      case OP_LOOKUP -> "LOOKUP";
      case OP_OPEN -> "OPEN";
      case OP_PUTFH -> "PUTFH";
      case OP_PUTROOTFH -> "PUTROOTFH";
      case OP_READ -> "READ";
      case OP_READDIR -> "READDIR";
      case OP_READLINK -> "READLINK";
      case OP_REMOVE -> "REMOVE";
      case OP_RENAME -> "RENAME";
      case OP_RESTOREFH -> "RESTOREFH";
      case OP_SAVEFH -> "SAVEFH";
      case OP_SETATTR -> "SETATTR";
      case OP_WRITE -> "WRITE";
      case OP_EXCHANGE_ID -> "EXCHANGE_ID";
      case OP_CREATE_SESSION -> "CREATE_SESSION";
      case OP_DESTROY_SESSION -> "DESTROY_SESSION";
      case OP_SEQUENCE -> "SEQUENCE";
      case OP_DESTROY_CLIENTID -> "DESTROY_CLIENTID";
      case OP_RECLAIM_COMPLETE -> "RECLAIM_COMPLETE";
      case OP_ALLOCATE -> "ALLOCATE";
      case OP_COPY -> "COPY";
      case OP_DEALLOCATE -> "DEALLOCATE";
      case OP_SEEK -> "SEEK";
      case OP_CLONE -> "CLONE";
      default -> "op " + op;
    };
  }

  // fattr4 attribute numbers
  static final int A_SUPPORTED_ATTRS = 0;
  static final int A_TYPE = 1;
  static final int A_CHANGE = 3;
  static final int A_SIZE = 4;
  static final int A_FSID = 8;
  static final int A_LEASE_TIME = 10;
  static final int A_RDATTR_ERROR = 11;
  static final int A_FILEHANDLE = 19;
  static final int A_FILEID = 20;
  static final int A_MAXREAD = 30;
  static final int A_MAXWRITE = 31;
  static final int A_MODE = 33;
  static final int A_NUMLINKS = 35;
  static final int A_OWNER = 36;
  static final int A_OWNER_GROUP = 37;
  static final int A_RAWDEV = 41;
  static final int A_SPACE_AVAIL = 42;
  static final int A_SPACE_USED = 45;
  static final int A_TIME_ACCESS = 47;
  static final int A_TIME_ACCESS_SET = 48;
  static final int A_TIME_METADATA = 52;
  static final int A_TIME_MODIFY = 53;
  static final int A_TIME_MODIFY_SET = 54;
  static final int A_MOUNTED_ON_FILEID = 55;

  // nfs_ftype4
  static final int NF4REG = 1;
  static final int NF4DIR = 2;
  static final int NF4BLK = 3;
  static final int NF4CHR = 4;
  static final int NF4LNK = 5;
  static final int NF4SOCK = 6;
  static final int NF4FIFO = 7;
  static final int NF4ATTRDIR = 8;
  static final int NF4NAMEDATTR = 9;

  // OPEN
  static final int SHARE_ACCESS_READ = 1;
  static final int SHARE_ACCESS_WRITE = 2;
  static final int SHARE_ACCESS_WANT_NO_DELEG = 0x0400;
  static final int SHARE_DENY_NONE = 0;
  static final int OPEN4_NOCREATE = 0;
  static final int OPEN4_CREATE = 1;
  static final int UNCHECKED4 = 0;
  static final int GUARDED4 = 1;
  static final int EXCLUSIVE4 = 2;
  static final int EXCLUSIVE4_1 = 3;
  static final int CLAIM_NULL = 0;
  static final int CLAIM_FH = 4;
  static final int OPEN_DELEGATE_NONE = 0;
  static final int OPEN_DELEGATE_READ = 1;
  static final int OPEN_DELEGATE_WRITE = 2;
  static final int OPEN_DELEGATE_NONE_EXT = 3;
  static final int WND4_CONTENTION = 1;
  static final int WND4_RESOURCE = 2;
  static final int NFS_LIMIT_SIZE = 1;
  static final int NFS_LIMIT_BLOCKS = 2;

  // stable_how4
  static final int UNSTABLE4 = 0;
  static final int DATA_SYNC4 = 1;
  static final int FILE_SYNC4 = 2;

  // settime4
  static final int SET_TO_SERVER_TIME4 = 0;
  static final int SET_TO_CLIENT_TIME4 = 1;

  // data_content4 (SEEK)
  static final int CONTENT_DATA = 0;
  static final int CONTENT_HOLE = 1;

  // EXCHANGE_ID flags and state protection
  static final int EXCHGID4_FLAG_USE_NON_PNFS = 0x00010000;
  static final int SP4_NONE = 0;
  static final int SP4_MACH_CRED = 1;
  static final int SP4_SSV = 2;

  /** RFC 8881 16.2.3.1.2: the special stateid meaning "the stateid of the previous operation". */
  static final byte[] CURRENT_STATEID = new byte[16];

  static {
    CURRENT_STATEID[3] = 1; // seqid 1, other all zeros
  }

  static final int MAX_FH = 128;
  static final int OPAQUE_LIMIT = 1024;
  static final int NAME_LIMIT = 4096;
}
