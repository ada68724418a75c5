/*
 * expression_program.h — an expression (connectors/spi/expression.h)
 * compiled once per query into vector kernels, then evaluated over pages.
 *
 * Evaluation works on whole vectors: each node runs one kernel over the
 * selected rows (no per-row tree walking), AND/OR/CASE/IF/COALESCE narrow the
 * selection for the branches they do not need (short circuit), constants are
 * folded at compile time. Errors (division by zero, overflow, bad cast) carry
 * Trino's names; TRY() and TRY_CAST turn the catchable ones into NULL.
 *
 * A program is not thread-safe (it owns scratch vectors): each driver
 * compiles its own, or copies with expr_program_clone.
 */
#ifndef SHOAL_OPERATORS_EXPRESSION_PROGRAM_H
#define SHOAL_OPERATORS_EXPRESSION_PROGRAM_H

#include <stdbool.h>
#include <stdint.h>

#include "connectors/spi/error.h"
#include "connectors/spi/expression.h"
#include "connectors/spi/page.h"

typedef struct expr_program expr_program;

expr_program *expr_program_compile(const expr *e, shoal_error *error);
expr_program *expr_program_clone(const expr_program *p, shoal_error *error);
void expr_program_free(expr_program *p);

sql_type expr_program_type(const expr_program *p);

/* Evaluates for rows selection[0..count) of `input` (selection NULL: rows
 * 0..count). Writes result row k (for the k-th selected row) into `out`,
 * which the call initialises (vector_init_* — the caller destroys it). The
 * result may be a constant vector, or reference input memory (a bare column
 * reference costs nothing). */
bool expr_program_evaluate(expr_program *p, const page *input, const uint32_t *selection,
                           uint32_t count, vector *out, shoal_error *error);

/* Evaluates a boolean program as a filter: writes the input row indexes for
 * which it is TRUE (not FALSE, not NULL) into out_selection (room for count
 * entries) and their number into *out_count. */
bool expr_program_filter(expr_program *p, const page *input, const uint32_t *selection,
                         uint32_t count, uint32_t *out_selection, uint32_t *out_count,
                         shoal_error *error);

/* Attaches the scalar implementations to the registry's entries; called once
 * at start (idempotent, thread-safe). */
void expr_functions_install(void);

#endif
