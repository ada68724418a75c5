/*
 * errors.h - the runtime's error codes.
 *
 * Every fallible runtime call returns 0 or one of these negative codes; a
 * failing actor carries one as its exit code, a bounced message carries one in
 * message.error. shoal_strerror() names a code for log lines and reasons.
 */
#ifndef SHOAL_RUNTIME_ERRORS_H
#define SHOAL_RUNTIME_ERRORS_H

enum {
    SHOAL_OK = 0,
    SHOAL_ENOMEM = -1,     /* allocation failed */
    SHOAL_EINVAL = -2,     /* bad argument */
    SHOAL_ESTOPPED = -3,   /* the target actor has stopped */
    SHOAL_EREJECTED = -4,  /* an admission policy refused the message */
    SHOAL_EBUSY = -5,      /* a capacity limit is reached */
    SHOAL_ENOCREDIT = -6,  /* the sender has no byte credit left */
    SHOAL_EMEMLIMIT = -7,  /* a memory context limit would be exceeded */
    SHOAL_ECANCELED = -8,  /* the operation was cancelled */
    SHOAL_ETIMEDOUT = -9,  /* a deadline passed */
    SHOAL_ESYSTEM = -10,   /* an OS call failed (see the log for errno) */
    SHOAL_ESHUTDOWN = -11, /* the runtime is shutting down */
    SHOAL_EFAILED = -12,   /* an actor failed without a more precise code */
    SHOAL_ELINKED = -13,   /* a linked actor failed */
    SHOAL_EAGAIN = -14,    /* not now: the caller has been registered to wait */
    SHOAL_ESTATE = -15,    /* the call is not valid in the current state */
};

/* A short static description of a code ("actor stopped"). Never NULL. */
const char *shoal_strerror(int code);

#endif
