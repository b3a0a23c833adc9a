/* version.h - what the Makefile tells the program of itself, with the
 * values a build without it gets.
 *
 * VERSION: unplanet's version. SOURCE_DIGEST: a checksum of its sources,
 * which the archive's page digests (read.c) and the outputs' fingerprint
 * (write.c) hold, so that another build of the same version reads posts
 * and makes files again rather than trust what an earlier one made.
 */
#ifndef UNPLANET_VERSION_H
#define UNPLANET_VERSION_H

#ifndef VERSION
#define VERSION "0"
#endif
#ifndef SOURCE_DIGEST
#define SOURCE_DIGEST "0"
#endif

#endif
