/*
 * tpch_schema.c — the eight TPC-H tables: names, columns, value types and
 * declared string lengths (TPC-H specification, clause 1.4), with Trino's
 * simplified column names.
 */
#include "connectors/tpch/tpch_internal.h"

#include <string.h>

#define COL(n, s, t, l) {n, s, TPCH_TYPE_##t, l}

static const tpch_column_info part_cols[] = {
  COL("p_partkey", "partkey", INT64, 0),     COL("p_name", "name", STRING, 55),
  COL("p_mfgr", "mfgr", STRING, 25),         COL("p_brand", "brand", STRING, 10),
  COL("p_type", "type", STRING, 25),         COL("p_size", "size", INT32, 0),
  COL("p_container", "container", STRING, 10), COL("p_retailprice", "retailprice", MONEY, 0),
  COL("p_comment", "comment", STRING, 23),
};
static const tpch_column_info partsupp_cols[] = {
  COL("ps_partkey", "partkey", INT64, 0),    COL("ps_suppkey", "suppkey", INT64, 0),
  COL("ps_availqty", "availqty", INT32, 0),  COL("ps_supplycost", "supplycost", MONEY, 0),
  COL("ps_comment", "comment", STRING, 199),
};
static const tpch_column_info supplier_cols[] = {
  COL("s_suppkey", "suppkey", INT64, 0),     COL("s_name", "name", STRING, 25),
  COL("s_address", "address", STRING, 40),   COL("s_nationkey", "nationkey", INT64, 0),
  COL("s_phone", "phone", STRING, 15),       COL("s_acctbal", "acctbal", MONEY, 0),
  COL("s_comment", "comment", STRING, 101),
};
static const tpch_column_info customer_cols[] = {
  COL("c_custkey", "custkey", INT64, 0),     COL("c_name", "name", STRING, 25),
  COL("c_address", "address", STRING, 40),   COL("c_nationkey", "nationkey", INT64, 0),
  COL("c_phone", "phone", STRING, 15),       COL("c_acctbal", "acctbal", MONEY, 0),
  COL("c_mktsegment", "mktsegment", STRING, 10), COL("c_comment", "comment", STRING, 117),
};
static const tpch_column_info orders_cols[] = {
  COL("o_orderkey", "orderkey", INT64, 0),   COL("o_custkey", "custkey", INT64, 0),
  COL("o_orderstatus", "orderstatus", STRING, 1), COL("o_totalprice", "totalprice", MONEY, 0),
  COL("o_orderdate", "orderdate", DATE, 0),  COL("o_orderpriority", "orderpriority", STRING, 15),
  COL("o_clerk", "clerk", STRING, 15),       COL("o_shippriority", "shippriority", INT32, 0),
  COL("o_comment", "comment", STRING, 79),
};
static const tpch_column_info lineitem_cols[] = {
  COL("l_orderkey", "orderkey", INT64, 0),   COL("l_partkey", "partkey", INT64, 0),
  COL("l_suppkey", "suppkey", INT64, 0),     COL("l_linenumber", "linenumber", INT32, 0),
  COL("l_quantity", "quantity", INT64, 0),   COL("l_extendedprice", "extendedprice", MONEY, 0),
  COL("l_discount", "discount", MONEY, 0),   COL("l_tax", "tax", MONEY, 0),
  COL("l_returnflag", "returnflag", STRING, 1), COL("l_linestatus", "linestatus", STRING, 1),
  COL("l_shipdate", "shipdate", DATE, 0),    COL("l_commitdate", "commitdate", DATE, 0),
  COL("l_receiptdate", "receiptdate", DATE, 0), COL("l_shipinstruct", "shipinstruct", STRING, 25),
  COL("l_shipmode", "shipmode", STRING, 10), COL("l_comment", "comment", STRING, 44),
};
static const tpch_column_info nation_cols[] = {
  COL("n_nationkey", "nationkey", INT64, 0), COL("n_name", "name", STRING, 25),
  COL("n_regionkey", "regionkey", INT64, 0), COL("n_comment", "comment", STRING, 152),
};
static const tpch_column_info region_cols[] = {
  COL("r_regionkey", "regionkey", INT64, 0), COL("r_name", "name", STRING, 25),
  COL("r_comment", "comment", STRING, 152),
};

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
static const tpch_table_info tables[TPCH_TABLE_COUNT] = {
  [TPCH_PART] = {"part", "p_", N(part_cols), part_cols},
  [TPCH_PARTSUPP] = {"partsupp", "ps_", N(partsupp_cols), partsupp_cols},
  [TPCH_SUPPLIER] = {"supplier", "s_", N(supplier_cols), supplier_cols},
  [TPCH_CUSTOMER] = {"customer", "c_", N(customer_cols), customer_cols},
  [TPCH_ORDERS] = {"orders", "o_", N(orders_cols), orders_cols},
  [TPCH_LINEITEM] = {"lineitem", "l_", N(lineitem_cols), lineitem_cols},
  [TPCH_NATION] = {"nation", "n_", N(nation_cols), nation_cols},
  [TPCH_REGION] = {"region", "r_", N(region_cols), region_cols},
};

const tpch_table_info *tpch_table_get(tpch_table table) {
  if ((int)table < 0 || table >= TPCH_TABLE_COUNT) return NULL;
  return &tables[table];
}

int tpch_table_from_name(const char *name, tpch_table *out) {
  if (!name) return TPCH_ERR_ARG;
  for (int t = 0; t < TPCH_TABLE_COUNT; t++) {
    if (strcmp(tables[t].name, name) == 0) {
      *out = (tpch_table)t;
      return TPCH_OK;
    }
  }
  return TPCH_ERR_ARG;
}

/* Streams per table. Orders and lineitem share the order's streams: a
 * lineitem needs its order's date and line count. */
static const uint8_t part_streams[] = {
  TPCH_S_P_MFG, TPCH_S_P_BRND, TPCH_S_P_TYPE, TPCH_S_P_SIZE, TPCH_S_P_CNTR,
  TPCH_S_P_CMNT, TPCH_S_P_NAME};
static const uint8_t partsupp_streams[] = {TPCH_S_PS_QTY, TPCH_S_PS_SCST, TPCH_S_PS_CMNT};
static const uint8_t supplier_streams[] = {
  TPCH_S_S_ADDR, TPCH_S_S_NTRG, TPCH_S_S_PHNE, TPCH_S_S_ABAL, TPCH_S_S_CMNT,
  TPCH_S_BBB_JNK, TPCH_S_BBB_TYPE, TPCH_S_BBB_CMNT, TPCH_S_BBB_OFFSET};
static const uint8_t customer_streams[] = {
  TPCH_S_C_ADDR, TPCH_S_C_NTRG, TPCH_S_C_PHNE, TPCH_S_C_ABAL, TPCH_S_C_MSEG, TPCH_S_C_CMNT};
static const uint8_t order_streams[] = {
  TPCH_S_O_CLRK, TPCH_S_O_CMNT, TPCH_S_O_ODATE, TPCH_S_O_PRIO, TPCH_S_O_CKEY, TPCH_S_O_LCNT,
  TPCH_S_L_QTY, TPCH_S_L_DCNT, TPCH_S_L_TAX, TPCH_S_L_SHIP, TPCH_S_L_SMODE, TPCH_S_L_PKEY,
  TPCH_S_L_SKEY, TPCH_S_L_SDTE, TPCH_S_L_CDTE, TPCH_S_L_RDTE, TPCH_S_L_RFLG, TPCH_S_L_CMNT};
static const uint8_t nation_streams[] = {TPCH_S_N_CMNT};
static const uint8_t region_streams[] = {TPCH_S_R_CMNT};

const uint8_t *tpch_table_streams(tpch_table t, int *count) {
  switch (t) {
  case TPCH_PART: *count = N(part_streams); return part_streams;
  case TPCH_PARTSUPP: *count = N(partsupp_streams); return partsupp_streams;
  case TPCH_SUPPLIER: *count = N(supplier_streams); return supplier_streams;
  case TPCH_CUSTOMER: *count = N(customer_streams); return customer_streams;
  case TPCH_ORDERS:
  case TPCH_LINEITEM: *count = N(order_streams); return order_streams;
  case TPCH_NATION: *count = N(nation_streams); return nation_streams;
  case TPCH_REGION: *count = N(region_streams); return region_streams;
  default: *count = 0; return NULL;
  }
}

size_t tpch_arena_bytes_per_row(tpch_table t) {
  switch (t) {
  case TPCH_PART: return 64;          /* name: 5 colors */
  case TPCH_SUPPLIER: return 200;     /* name, address, phone, comment */
  case TPCH_CUSTOMER: return 96;      /* name, address, phone */
  case TPCH_ORDERS: return 32;        /* clerk */
  default: return 0;
  }
}
