#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/error.h"

int read_regular_file(const char *path, size_t limit, strbuf *out)
{
    sb_reset(out);

    /* O_NONBLOCK keeps open() from waiting for a writer on a FIFO; the
     * file type is checked before anything is read. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return error_set_input(SOC2_EIO, path, 0, 0, NULL, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int saved = errno;
        close(fd);
        return error_set_input(SOC2_EIO, path, 0, 0, NULL, "cannot read: %s", strerror(saved));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return error_set_input(SOC2_EIO, path, 0, 0, NULL, "%s",
                               S_ISDIR(st.st_mode) ? "is a directory, not a file"
                                                   : "is not a regular file");
    }
    if ((unsigned long long)st.st_size > limit) {
        close(fd);
        return error_set_input(SOC2_ELIMIT, path, 0, 0, NULL,
                               "the file is %lld bytes, more than the limit of %zu "
                               "(SOC2_LIMIT_INPUT_BYTES)",
                               (long long)st.st_size, limit);
    }

    char chunk[65536];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n == 0)
            break;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int saved = errno;
            close(fd);
            return error_set_input(SOC2_EIO, path, 0, 0, NULL, "read failed: %s",
                                   strerror(saved));
        }
        /* The file may grow after fstat. */
        if (out->len + (size_t)n > limit) {
            close(fd);
            return error_set_input(SOC2_ELIMIT, path, 0, 0, NULL,
                                   "the file is larger than the limit of %zu bytes "
                                   "(SOC2_LIMIT_INPUT_BYTES)",
                                   limit);
        }
        if (sb_append(out, chunk, (size_t)n) < 0) {
            close(fd);
            return error_nomem();
        }
    }
    close(fd);
    if (!out->data && sb_puts(out, "") < 0)
        return error_nomem();
    return SOC2_OK;
}
