#ifndef RINGSIDE_CNCURSES_SHIM_H
#define RINGSIDE_CNCURSES_SHIM_H

// Wide-character curses (cchar_t, wget_wch, mvwadd_wch, setcchar) needs this before <curses.h>; SwiftPM drops the
// -D_XOPEN_SOURCE=600 that pkg-config would pass.
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <wchar.h>
#include <langinfo.h>
#include <stdio.h>
#include <ncursesw/curses.h>

// Accessors for what Swift cannot import: function-like macros, attribute expressions and the global state that
// Swift 6 rejects as not concurrency-safe. Prefixed cn_, as SwiftNIO does with CNIOLinux_.
static inline SCREEN *cn_newterm(const char *term) { return newterm(term, stdout, stdin); }
static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline int cn_lines(void) { return LINES; }
static inline int cn_cols(void) { return COLS; }
static inline int cn_colors(void) { return COLORS; }
static inline int cn_color_pair(int n) { return COLOR_PAIR(n); }
static inline void cn_getmaxyx(WINDOW *w, int *y, int *x) { getmaxyx(w, *y, *x); }
static inline attr_t cn_a_normal(void) { return A_NORMAL; }
static inline attr_t cn_a_bold(void) { return A_BOLD; }
static inline attr_t cn_a_dim(void) { return A_DIM; }
static inline attr_t cn_a_reverse(void) { return A_REVERSE; }
static inline attr_t cn_a_underline(void) { return A_UNDERLINE; }
static inline int cn_codeset_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (codeset[0] == 'U' || codeset[0] == 'u') && (codeset[1] == 'T' || codeset[1] == 't')
        && (codeset[2] == 'F' || codeset[2] == 'f') && (codeset[3] == '-' ? codeset[4] == '8' : codeset[3] == '8');
}

#endif
