/* nolinks.c - folders that report no links, for tests/crash.py: fstat of
 * a folder gives st_nlink 0, as some FUSE filesystems do, and as a
 * folder removed while open does. LD_PRELOAD it. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sys/stat.h>

int
fstat(int fd, struct stat *st)
{
	int (*real)(int, struct stat *) = (int (*)(int, struct stat *))dlsym(RTLD_NEXT, "fstat");
	int rc = real(fd, st);

	if (rc == 0 && S_ISDIR(st->st_mode))
		st->st_nlink = 0;
	return rc;
}
