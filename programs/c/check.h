/*
 * Shared by the test programs in this folder: CHECK(cond) stops the program
 * with exit code 1 when `cond` is false, printing the condition, the line and
 * errno to stderr. Only the file's name is printed (__FILE_NAME__), so the
 * built modules do not depend on where the sources were checked out.
 */
#ifndef STRATA_PROGRAMS_CHECK_H
#define STRATA_PROGRAMS_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            int saved_errno_ = errno;                                        \
            fprintf(stderr, "%s:%d: check failed: %s (errno %d: %s)\n",      \
                    __FILE_NAME__, __LINE__, #cond, saved_errno_,            \
                    strerror(saved_errno_));                                 \
            exit(1);                                                         \
        }                                                                    \
    } while (0)

#endif
