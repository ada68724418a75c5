# Helpers shared by every folder's CMakeLists.txt.
#
# shoal_module(TARGET FOLDER SOURCES ... [DEPS ...])
#   Makes a static library from FOLDER. Its headers are reached as
#   "FOLDER/name.h" only by targets that link it: each module publishes an
#   include directory that holds a single link to its own folder.
#
# shoal_executable(TARGET SOURCES ... [DEPS ...])
#   A program, linked with jemalloc as its allocator (not under sanitizers,
#   whose allocator must stay in charge).
#
# shoal_test(NAME SOURCES ... [DEPS ...] [TIMEOUT s])
#   A Criterion test program registered with ctest.

function(shoal_module target folder)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  set(inc "${CMAKE_BINARY_DIR}/include/${target}")
  get_filename_component(parent "${inc}/${folder}" DIRECTORY)
  file(MAKE_DIRECTORY "${parent}")
  if(NOT EXISTS "${inc}/${folder}")
    file(CREATE_LINK "${CMAKE_SOURCE_DIR}/${folder}" "${inc}/${folder}" SYMBOLIC)
  endif()
  add_library(${target} STATIC ${ARG_SOURCES})
  target_include_directories(${target} PUBLIC "${inc}")
  target_link_libraries(${target} PUBLIC ${ARG_DEPS})
endfunction()

function(shoal_link_allocator target)
  if(NOT SHOAL_SANITIZE)
    target_link_libraries(${target} PRIVATE PkgConfig::JEMALLOC)
  endif()
endfunction()

# Several people work in one tree: a program or test whose source is not
# written yet must not stop everyone's configure. It is reported (a CMake
# warning), never silently lost.
function(shoal_sources_exist result target)
  set(${result} TRUE PARENT_SCOPE)
  foreach(source ${ARGN})
    if(NOT IS_ABSOLUTE "${source}")
      set(source "${CMAKE_CURRENT_SOURCE_DIR}/${source}")
    endif()
    if(NOT EXISTS "${source}")
      message(WARNING "${target}: ${source} does not exist; ${target} is not built")
      set(${result} FALSE PARENT_SCOPE)
      return()
    endif()
  endforeach()
endfunction()

function(shoal_executable target)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  shoal_sources_exist(ready ${target} ${ARG_SOURCES})
  if(NOT ready)
    return()
  endif()
  add_executable(${target} ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE ${ARG_DEPS})
  shoal_link_allocator(${target})
endfunction()

function(shoal_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;DEPS" ${ARGN})
  shoal_sources_exist(ready test_${name} ${ARG_SOURCES})
  if(NOT ready)
    return()
  endif()
  add_executable(test_${name} ${ARG_SOURCES})
  target_link_libraries(test_${name} PRIVATE ${ARG_DEPS} PkgConfig::CRITERION)
  target_compile_definitions(test_${name} PRIVATE
    SHOAL_SHARED_DIR="${SHOAL_SHARED_DIR}"
    SHOAL_BINARY_DIR="${CMAKE_BINARY_DIR}"
    SHOAL_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  shoal_link_allocator(test_${name})
  add_test(NAME ${name} COMMAND test_${name} --jobs 2)
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES TIMEOUT ${ARG_TIMEOUT})
endfunction()

# Adds every listed folder that has a CMakeLists.txt.
function(shoal_add_subdirectories)
  foreach(dir ${ARGN})
    if(EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/${dir}/CMakeLists.txt")
      add_subdirectory(${dir})
    endif()
  endforeach()
endfunction()

# Adds every immediate child folder that has a CMakeLists.txt.
function(shoal_add_child_directories)
  file(GLOB children LIST_DIRECTORIES true RELATIVE "${CMAKE_CURRENT_SOURCE_DIR}" "${CMAKE_CURRENT_SOURCE_DIR}/*")
  list(SORT children)
  foreach(child ${children})
    if(IS_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}/${child}" AND EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/${child}/CMakeLists.txt")
      add_subdirectory(${child})
    endif()
  endforeach()
endfunction()
