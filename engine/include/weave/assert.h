#pragma once
// WEAVE_ASSERT catches our own bugs, never bad input; it stays on in release and traps.
// WEAVE_DASSERT is for costly checks, on in debug and sanitizer builds.
#include <cstdio>
#include <cstdlib>

#define WEAVE_ASSERT(cond)                                                                    \
    do {                                                                                      \
        if (!(cond)) [[unlikely]] {                                                           \
            std::fprintf(stderr, "weave: assertion failed: %s (%s:%d)\n", #cond, __FILE__,    \
                         __LINE__);                                                           \
            std::abort();                                                                     \
        }                                                                                     \
    } while (0)

#ifdef NDEBUG
#define WEAVE_DASSERT(cond) ((void)0)
#else
#define WEAVE_DASSERT(cond) WEAVE_ASSERT(cond)
#endif
