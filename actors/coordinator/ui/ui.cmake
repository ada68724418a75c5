# Included from actors/CMakeLists.txt: embeds the web UI's static files into
# shoal_actors at build time (embed_ui.cmake); editing a file re-embeds it.
set(SHOAL_UI_DIR "${CMAKE_CURRENT_LIST_DIR}")
file(GLOB SHOAL_UI_FILES CONFIGURE_DEPENDS "${SHOAL_UI_DIR}/*.html" "${SHOAL_UI_DIR}/*.css" "${SHOAL_UI_DIR}/*.js")
set(SHOAL_UI_ASSETS_C "${CMAKE_CURRENT_BINARY_DIR}/coordinator_ui_assets.c")
add_custom_command(
  OUTPUT "${SHOAL_UI_ASSETS_C}"
  COMMAND ${CMAKE_COMMAND} -DUI_DIR=${SHOAL_UI_DIR} -DOUT=${SHOAL_UI_ASSETS_C}
          -P "${SHOAL_UI_DIR}/embed_ui.cmake"
  DEPENDS ${SHOAL_UI_FILES} "${SHOAL_UI_DIR}/embed_ui.cmake"
  COMMENT "Embedding the web UI (actors/coordinator/ui) into shoal_actors"
  VERBATIM)
target_sources(shoal_actors PRIVATE "${SHOAL_UI_ASSETS_C}")
