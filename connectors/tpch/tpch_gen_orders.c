/*
 * tpch_gen_orders.c — orders and lineitem rows (dbgen mk_order). An order and
 * its 1..7 lines are made together: the order's total price and status come
 * from its lines, and a line's dates from its order's date.
 *
 * Order keys are sparse: of every 32 keys only the first 8 are used
 * (key = (i / 8) * 32 + i % 8 for order i). A customer key divisible by 3 is
 * moved to a neighbour (a third of the customers have no orders). Dates are
 * days after 1992-01-01: order date in [0, 2405]; ship = order + 1..121,
 * commit = order + 30..90, receipt = ship + 1..30; a line shipped by
 * 1995-06-17 has status F, one received by then a return flag R or A, else N.
 */
#include "connectors/tpch/tpch_internal.h"

static const tpch_str flag_n = {"N", 1}, status_f = {"F", 1}, status_o = {"O", 1},
                      status_p = {"P", 1};

/* Makes the order at unit c->next; with `lines_text`, also the lines' text
 * (instructions, mode, return flag, comment); with `order_text`, the order's
 * own columns beyond key, date and lines. */
static void order_make(tpch_cursor *c, tpch_order *o, bool order_text, bool lines_text) {
  const int64_t *rs = c->row_seed;
  const tpch_scale *s = &c->scale;
  int64_t index = c->next + 1;
  o->orderkey = ((index >> 3) << 5) | (index & 7);

  int64_t seed;
  if (order_text) {
    seed = rs[TPCH_S_O_CKEY];
    int64_t cust = tpch_rng_uniform(&seed, 1, s->customer);
    int64_t delta = 1;
    while (cust % 3 == 0) {
      cust += delta;
      if (cust > s->customer) cust = s->customer;
      delta = -delta;
    }
    o->custkey = cust;
    seed = rs[TPCH_S_O_PRIO];
    o->priority = (uint8_t)tpch_pick(&tpch_dists[TPCH_D_O_OPRIO], &seed);
    seed = rs[TPCH_S_O_CLRK];
    int64_t clerks = s->multiplier * 1000;
    o->clerk = tpch_rng_uniform(&seed, 1, clerks > 1000 ? clerks : 1000);
    seed = rs[TPCH_S_O_CMNT];
    const tpch_len_range cmnt = tpch_len_range_of(49);
    o->comment = tpch_text(&seed, cmnt.min, cmnt.max);
  }
  seed = rs[TPCH_S_O_ODATE];
  o->odate = (int32_t)tpch_rng_uniform(&seed, 0, TPCH_TOTAL_DATES - (121 + 30) - 1);
  seed = rs[TPCH_S_O_LCNT];
  o->lines = (int32_t)tpch_rng_uniform(&seed, 1, 7);

  int64_t qty = rs[TPCH_S_L_QTY], dcnt = rs[TPCH_S_L_DCNT], tax = rs[TPCH_S_L_TAX];
  int64_t ship = rs[TPCH_S_L_SHIP], smode = rs[TPCH_S_L_SMODE], lcmnt = rs[TPCH_S_L_CMNT];
  int64_t pkey = rs[TPCH_S_L_PKEY], skey = rs[TPCH_S_L_SKEY], sdte = rs[TPCH_S_L_SDTE];
  int64_t cdte = rs[TPCH_S_L_CDTE], rdte = rs[TPCH_S_L_RDTE], rflg = rs[TPCH_S_L_RFLG];
  const tpch_len_range lc = tpch_len_range_of(27);
  int64_t total = 0;
  int shipped = 0;
  for (int i = 0; i < o->lines; i++) {
    tpch_line *l = &o->line[i];
    l->quantity = tpch_rng_uniform(&qty, 1, 50);
    l->discount = tpch_rng_uniform(&dcnt, 0, 10);
    l->tax = tpch_rng_uniform(&tax, 0, 8);
    if (lines_text) {
      l->instruct = (uint8_t)tpch_pick(&tpch_dists[TPCH_D_INSTRUCT], &ship);
      l->smode = (uint8_t)tpch_pick(&tpch_dists[TPCH_D_SMODE], &smode);
      l->comment = tpch_text(&lcmnt, lc.min, lc.max);
    }
    l->partkey = tpch_rng_uniform(&pkey, 1, s->part);
    int64_t which = tpch_rng_uniform(&skey, 0, 3);
    l->suppkey = tpch_part_supplier(l->partkey, which, s->supplier);
    l->eprice = tpch_retail_price(l->partkey) * l->quantity;
    total += ((l->eprice * (100 - l->discount)) / 100) * (100 + l->tax) / 100;
    l->sdate = o->odate + (int32_t)tpch_rng_uniform(&sdte, 1, 121);
    l->cdate = o->odate + (int32_t)tpch_rng_uniform(&cdte, 30, 90);
    l->rdate = l->sdate + (int32_t)tpch_rng_uniform(&rdte, 1, 30);
    if (lines_text)
      l->rflag = l->rdate <= TPCH_CURRENT_OFFSET
                     ? (int8_t)tpch_pick(&tpch_dists[TPCH_D_RFLAG], &rflg) : -1;
    if (l->sdate <= TPCH_CURRENT_OFFSET) {
      l->lstatus = 'F';
      shipped++;
    } else {
      l->lstatus = 'O';
    }
  }
  o->totalprice = total;
  o->status = shipped == o->lines ? 'F' : shipped > 0 ? 'P' : 'O';
}

int32_t tpch_gen_orders(tpch_cursor *c, tpch_batch *b) {
  const tpch_dist *prio = &tpch_dists[TPCH_D_O_OPRIO];
  tpch_order o;
  int32_t n = 0;
  for (; n < b->capacity && c->next < c->end; n++) {
    order_make(c, &o, true, false);
    TPCH_PUT_I64(b, 0, n, o.orderkey);
    TPCH_PUT_I64(b, 1, n, o.custkey);
    TPCH_PUT_STR(b, 2, n, o.status == 'F' ? status_f : o.status == 'O' ? status_o : status_p);
    TPCH_PUT_I64(b, 3, n, o.totalprice);
    TPCH_PUT_I32(b, 4, n, TPCH_DAY_1992_01_01 + o.odate);
    TPCH_PUT_STR(b, 5, n, tpch_dist_str(prio, o.priority));
    if (b->columns[6]) TPCH_PUT_STR(b, 6, n, tpch_tagged_key(c, "Clerk#", 6, o.clerk, 9));
    TPCH_PUT_I32(b, 7, n, 0);
    TPCH_PUT_STR(b, 8, n, o.comment);
    tpch_cursor_step(c);
    c->next++;
  }
  return n;
}

int32_t tpch_gen_lineitem(tpch_cursor *c, tpch_batch *b) {
  const tpch_dist *instruct = &tpch_dists[TPCH_D_INSTRUCT];
  const tpch_dist *smode = &tpch_dists[TPCH_D_SMODE];
  const tpch_dist *rflag = &tpch_dists[TPCH_D_RFLAG];
  tpch_order *o = &c->pending;
  int32_t n = 0;
  while (n < b->capacity) {
    if (c->pending_next_line < 0) {
      if (c->next >= c->end) break;
      order_make(c, o, false, true);
      tpch_cursor_step(c);
      c->next++;
      c->pending_next_line = 0;
    }
    int i = c->pending_next_line;
    for (; i < o->lines && n < b->capacity; i++, n++) {
      const tpch_line *l = &o->line[i];
      TPCH_PUT_I64(b, 0, n, o->orderkey);
      TPCH_PUT_I64(b, 1, n, l->partkey);
      TPCH_PUT_I64(b, 2, n, l->suppkey);
      TPCH_PUT_I32(b, 3, n, i + 1);
      TPCH_PUT_I64(b, 4, n, l->quantity);
      TPCH_PUT_I64(b, 5, n, l->eprice);
      TPCH_PUT_I64(b, 6, n, l->discount);
      TPCH_PUT_I64(b, 7, n, l->tax);
      TPCH_PUT_STR(b, 8, n, l->rflag < 0 ? flag_n : tpch_dist_str(rflag, l->rflag));
      TPCH_PUT_STR(b, 9, n, l->lstatus == 'F' ? status_f : status_o);
      TPCH_PUT_I32(b, 10, n, TPCH_DAY_1992_01_01 + l->sdate);
      TPCH_PUT_I32(b, 11, n, TPCH_DAY_1992_01_01 + l->cdate);
      TPCH_PUT_I32(b, 12, n, TPCH_DAY_1992_01_01 + l->rdate);
      TPCH_PUT_STR(b, 13, n, tpch_dist_str(instruct, l->instruct));
      TPCH_PUT_STR(b, 14, n, tpch_dist_str(smode, l->smode));
      TPCH_PUT_STR(b, 15, n, l->comment);
    }
    c->pending_next_line = i < o->lines ? i : -1;
  }
  return n;
}
