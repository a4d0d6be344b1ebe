#ifndef KETAMA_PEER_H
#define KETAMA_PEER_H

#include <stddef.h>
#include <stdint.h>

/// The benchmark's peer: a libketama-style continuum build in C with OpenSSL's MD5 and qsort, as libketama's
/// ketama_create_continuum does it (sprintf "<addr>-<k>", MD5, four points per digest, qsort), for `servers`
/// servers named "10.<i/256>.<i%256>.1:11211" with 40 digests each. Returns the number of points.
size_t ketama_peer_build(size_t servers);

/// twemproxy-style dispatch on the last continuum built: fnv1a_64 (its 32-bit variant) of each key, then the
/// first point >= hash. `keys` holds `count` NUL-terminated keys back to back. Returns a checksum of owners.
uint64_t ketama_peer_lookups(const char *keys, size_t count);

#endif
