#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The record lives in fixed thread-local buffers so that a thread that exits
 * leaves nothing to free; long messages are cut at the buffer size. */
#define MESSAGE_SIZE 1024
#define FILE_SIZE 1024
#define POINTER_SIZE 2048

typedef struct thread_error {
    soc2_error error;
    char message[MESSAGE_SIZE];
    char file[FILE_SIZE];
    char pointer[POINTER_SIZE];
} thread_error;

static _Thread_local thread_error last;

static void reset(void)
{
    last.error.code = SOC2_OK;
    last.error.message = "no error";
    last.error.file = NULL;
    last.error.line = 0;
    last.error.column = 0;
    last.error.pointer = NULL;
}

static void copy_string(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static int record(int code, const char *file, int line, int column, const char *pointer,
                  const char *fmt, va_list ap)
{
    reset();
    vsnprintf(last.message, sizeof(last.message), fmt, ap);
    last.error.code = code;
    last.error.message = last.message;
    if (file) {
        copy_string(last.file, sizeof(last.file), file);
        last.error.file = last.file;
    }
    if (pointer) {
        copy_string(last.pointer, sizeof(last.pointer), pointer);
        last.error.pointer = last.pointer;
    }
    last.error.line = line;
    last.error.column = column;
    return code;
}

int error_set(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record(code, NULL, 0, 0, NULL, fmt, ap);
    va_end(ap);
    return code;
}

int error_set_input(int code, const char *file, int line, int column, const char *pointer,
                    const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record(code, file, line, column, pointer, fmt, ap);
    va_end(ap);
    return code;
}

int error_nomem(void)
{
    return error_set(SOC2_ENOMEM, "out of memory");
}

const soc2_error *soc2_error_last(void)
{
    if (!last.error.message)
        reset();
    return &last.error;
}

void soc2_error_clear(void)
{
    reset();
}

const char *soc2_strerror(int code)
{
    switch (code) {
    case SOC2_OK: return "success";
    case SOC2_ERROR: return "internal error";
    case SOC2_ENOMEM: return "out of memory";
    case SOC2_EINVAL: return "invalid argument";
    case SOC2_EIO: return "input/output error";
    case SOC2_EPARSE: return "malformed JSON";
    case SOC2_EFORMAT: return "invalid input document";
    case SOC2_ERULE: return "invalid rule";
    case SOC2_ENOTFOUND: return "not found";
    case SOC2_EEXISTS: return "already exists";
    case SOC2_ELIMIT: return "limit exceeded";
    case SOC2_EUSER: return "callback reported failure";
    case SOC2_EUNKNOWN: return "value not known until apply";
    case SOC2_ETYPE: return "value has another type";
    case SOC2_EUNRECOGNIZED: return "not a supported input format";
    case SOC2_ITEROVER: return "no more items";
    default: return "unknown status";
    }
}
