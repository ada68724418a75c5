# Build step: turns the web UI's static files (UI_DIR/*.html, *.css, *.js)
# into a C source holding their bytes and a table by request path
# (ui_assets.h), so the coordinator serves /ui/ without files on disk.
# Usage: cmake -DUI_DIR=<dir> -DOUT=<file.c> -P embed_ui.cmake
file(GLOB files RELATIVE "${UI_DIR}" "${UI_DIR}/*.html" "${UI_DIR}/*.css" "${UI_DIR}/*.js")
list(SORT files)
set(arrays "")
set(table "")
set(index 0)
foreach(name ${files})
  file(READ "${UI_DIR}/${name}" hex HEX)
  string(LENGTH "${hex}" hexlen)
  math(EXPR nbytes "${hexlen} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
  string(REGEX REPLACE "((0x..,){16})" "\\1\n" body "${body}")
  if(name MATCHES "\\.html$")
    set(type "text/html; charset=utf-8")
  elseif(name MATCHES "\\.css$")
    set(type "text/css; charset=utf-8")
  else()
    set(type "text/javascript; charset=utf-8")
  endif()
  string(APPEND arrays "static const unsigned char asset_${index}[] = {\n${body}0x00\n};\n")
  string(APPEND table "    {\"/ui/${name}\", \"${type}\", asset_${index}, ${nbytes}},\n")
  math(EXPR index "${index} + 1")
endforeach()
file(WRITE "${OUT}.tmp"
"/* Generated at build time from actors/coordinator/ui/ (embed_ui.cmake). Do not edit. */\n"
"#include \"actors/coordinator/ui/ui_assets.h\"\n\n"
"${arrays}\n"
"const ui_asset ui_asset_table[] = {\n${table}    {0, 0, 0, 0}\n};\n"
"const size_t ui_asset_table_count = ${index};\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
