/*
 * errors.c - names for the runtime's error codes (see errors.h).
 */
#include "runtime/errors.h"

const char *shoal_strerror(int code)
{
    switch (code) {
    case SHOAL_OK: return "ok";
    case SHOAL_ENOMEM: return "out of memory";
    case SHOAL_EINVAL: return "invalid argument";
    case SHOAL_ESTOPPED: return "actor stopped";
    case SHOAL_EREJECTED: return "rejected by admission policy";
    case SHOAL_EBUSY: return "capacity limit reached";
    case SHOAL_ENOCREDIT: return "no credit";
    case SHOAL_EMEMLIMIT: return "memory limit exceeded";
    case SHOAL_ECANCELED: return "cancelled";
    case SHOAL_ETIMEDOUT: return "timed out";
    case SHOAL_ESYSTEM: return "system call failed";
    case SHOAL_ESHUTDOWN: return "runtime shutting down";
    case SHOAL_EFAILED: return "actor failed";
    case SHOAL_ELINKED: return "linked actor failed";
    case SHOAL_EAGAIN: return "would block";
    case SHOAL_ESTATE: return "invalid state";
    default: return "unknown error";
    }
}
