/*
 * Runs a real ClickHouse server from libchdb (ClickHouse built as a library).
 *
 * libchdb exports query_stable_v2(argc, argv): the clickhouse-local command line. Started with
 * listen ports and a query that never ends, that process serves ClickHouse's HTTP and native
 * protocols until it is killed. This host loads the library, passes the arguments through and
 * prints the error a bad argument or query returns (the library prints nothing itself).
 *
 * usage: chdb-server LIBCHDB_SO [--exit-on-stdin-eof] CLICKHOUSE_LOCAL_ARGS...
 * --exit-on-stdin-eof: exit when stdin closes, so a server started by a test dies with the JVM
 * that started it, however that JVM ends.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct local_result_v2 {
    char *buf;
    size_t len;
    void *vec;
    double elapsed;
    uint64_t rows_read;
    uint64_t bytes_read;
    char *error_message;
};

typedef struct local_result_v2 *(*query_fn)(int, char **);

static void *exit_on_eof(void *arg) {
    int fd = (int)(intptr_t)arg;
    char buf[256];
    while (read(fd, buf, sizeof buf) > 0) {
    }
    _exit(0);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s LIBCHDB_SO [--exit-on-stdin-eof] ARGS...\n", argv[0]);
        return 2;
    }
    int first = 2;
    if (argc > 2 && strcmp(argv[2], "--exit-on-stdin-eof") == 0) {
        first = 3;
        /* Watch a copy of stdin; clickhouse-local gets /dev/null so it never reads our pipe. */
        int watched = dup(0);
        int devnull = open("/dev/null", O_RDONLY);
        dup2(devnull, 0);
        close(devnull);
        pthread_t t;
        pthread_create(&t, NULL, exit_on_eof, (void *)(intptr_t)watched);
        pthread_detach(t);
    }
    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_GLOBAL);
    if (!lib) {
        fprintf(stderr, "cannot load %s: %s\n", argv[1], dlerror());
        return 3;
    }
    query_fn query = (query_fn)dlsym(lib, "query_stable_v2");
    if (!query) {
        fprintf(stderr, "query_stable_v2 not found in %s: %s\n", argv[1], dlerror());
        return 3;
    }
    int n = argc - first + 1;
    char **args = calloc((size_t)n + 1, sizeof(char *));
    args[0] = "clickhouse";
    for (int i = first; i < argc; i++) {
        args[i - first + 1] = argv[i];
    }
    struct local_result_v2 *result = query(n, args);
    if (result == NULL) {
        fprintf(stderr, "query_stable_v2 returned no result\n");
        return 4;
    }
    if (result->error_message != NULL) {
        fprintf(stderr, "%s\n", result->error_message);
        return 1;
    }
    return 0;
}
