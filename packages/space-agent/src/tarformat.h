/* The ustar header both tar directions use. */
#ifndef AGENT_TARFORMAT_H
#define AGENT_TARFORMAT_H

#include <stdint.h>

#define TAR_BLOCK 512
/* The longest entry name or link target either direction handles (the server refuses longer ones first). */
#define TAR_MAX_NAME 4096

struct ustar {
    char name[100], mode[8], uid[8], gid[8], size[12], mtime[12], chksum[8], typeflag, linkname[100];
    char magic[6], version[2], uname[32], gname[32], devmajor[8], devminor[8], prefix[155], pad[12];
};

_Static_assert(sizeof(struct ustar) == TAR_BLOCK, "ustar header is one block");

/* The header's checksum: its bytes summed with the checksum field read as spaces. */
unsigned tar_checksum(const struct ustar *h);
/* One block of zeros: padding, and the archive's end. */
extern const char tar_zero_block[TAR_BLOCK];

#endif
