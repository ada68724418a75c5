# Build step: turns dists.dss (the dbgen 2.14 distributions file, data) into a
# C source holding its bytes, so the generator is self-contained.
# Usage: cmake -DIN=<dists.dss> -DOUT=<file.c> -P embed_dists.cmake
if(NOT EXISTS "${IN}")
  message(FATAL_ERROR "dists file not found: ${IN}")
endif()
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR nbytes "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "((0x..,){16})" "\\1\n" body "${body}")
file(WRITE "${OUT}.tmp"
"/* Generated at build time from dists.dss (TPC-H dbgen 2.14 distributions). Do not edit. */\n"
"#include <stddef.h>\n"
"const unsigned char tpch_dists_dss[] = {\n${body}0x00\n};\n"
"const size_t tpch_dists_dss_size = ${nbytes};\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
