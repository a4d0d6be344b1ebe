#define OPENSSL_SUPPRESS_DEPRECATED
#include "ketama_peer.h"

#include <openssl/md5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    unsigned int point;
    char ip[22];
} peer_point;

static peer_point *continuum = NULL;
static size_t continuum_size = 0;

static int compare_points(const void *a, const void *b) {
    const peer_point *x = a, *y = b;
    return (x->point < y->point) ? -1 : ((x->point > y->point) ? 1 : 0);
}

size_t ketama_peer_build(size_t servers) {
    free(continuum);
    continuum = malloc(sizeof(peer_point) * servers * 160);
    size_t count = 0;
    for (size_t i = 0; i < servers; i++) {
        char address[22];
        snprintf(address, sizeof address, "10.%zu.%zu.1:11211", i / 256, i % 256);
        for (int k = 0; k < 40; k++) {
            char text[40];
            unsigned char digest[16];
            int length = snprintf(text, sizeof text, "%s-%d", address, k);
            MD5((const unsigned char *)text, (size_t)length, digest);
            for (int h = 0; h < 4; h++) {
                continuum[count].point = ((unsigned int)digest[3 + h * 4] << 24) | ((unsigned int)digest[2 + h * 4] << 16)
                    | ((unsigned int)digest[1 + h * 4] << 8) | digest[h * 4];
                memcpy(continuum[count].ip, address, 22);
                count++;
            }
        }
    }
    qsort(continuum, count, sizeof(peer_point), compare_points);
    continuum_size = count;
    return count;
}

uint64_t ketama_peer_lookups(const char *keys, size_t count) {
    uint64_t checksum = 0;
    const char *key = keys;
    for (size_t n = 0; n < count; n++) {
        size_t length = strlen(key);
        uint32_t hash = 0x84222325u;
        for (size_t x = 0; x < length; x++) {
            hash ^= (uint32_t)key[x];
            hash *= 0x1b3u;
        }
        size_t left = 0, right = continuum_size;
        while (left < right) {
            size_t middle = left + (right - left) / 2;
            if (continuum[middle].point < hash) left = middle + 1; else right = middle;
        }
        if (right == continuum_size) right = 0;
        checksum += (uint64_t)(uintptr_t)continuum[right].ip[4] + right;
        key += length + 1;
    }
    return checksum;
}
