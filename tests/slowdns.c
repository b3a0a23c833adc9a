/* slowdns.c - a name lookup that hangs, for tests/fetch.py: getaddrinfo
 * of any host name starting with "slowdns" sleeps 30 s, as with a dead
 * DNS server; other names resolve as usual. LD_PRELOAD it. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netdb.h>
#include <string.h>
#include <unistd.h>

int
getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res)
{
	int (*real)(const char *, const char *, const struct addrinfo *, struct addrinfo **);

	if (node != NULL && strncmp(node, "slowdns", 7) == 0) {
		sleep(30);
		return EAI_AGAIN;
	}
	real = (int (*)(const char *, const char *, const struct addrinfo *, struct addrinfo **))dlsym(RTLD_NEXT, "getaddrinfo");
	return real(node, service, hints, res);
}
