/* folder.h: output folders, created the way both programs create their --out.
 *
 * mkdir -p with mode 0755 (less the umask). The folder itself must end up a real
 * folder: an existing symlink there is refused, never followed (a symlink planted at
 * the output folder would send every file elsewhere), and so is any other kind of
 * file. Folders above it that already exist are followed as mkdir -p follows them
 * (/var/run is a symlink on Debian); the ones this call creates are entered without
 * following symlinks, so one swapped in after the mkdir is refused too. */
#ifndef ASLR_FOLDER_H
#define ASLR_FOLDER_H

#include "error.h"

/* 0 when path is a folder (created now or before); -ELOOP (a symlink) or -ENOTDIR (not
 * a folder) with an ASLR_ERR_INPUT err naming path; other -errno (mkdir, open) with an
 * ASLR_ERR_WORK err naming the component that failed. */
int aslr_folder_create(const char *path, struct aslr_error *err);

#endif
