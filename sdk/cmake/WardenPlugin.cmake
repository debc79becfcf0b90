# warden_add_plugin(<key> SOURCES <file>... [TARGET <name>] [FOLDER <dir>])
#
# Builds lib<key>.so as a Warden plugin: a MODULE library against Warden::sdk whose only exported
# symbol is the entry point. The CMake target is <key> unless TARGET names another. With FOLDER,
# the library is written into <dir>, the plugin folder that holds its manifest.json, so the folder
# can be dropped into a plugins directory as it is.
function(warden_add_plugin key)
  cmake_parse_arguments(ARG "" "FOLDER;TARGET" "SOURCES" ${ARGN})
  if(NOT ARG_TARGET)
    set(ARG_TARGET ${key})
  endif()
  add_library(${ARG_TARGET} MODULE ${ARG_SOURCES})
  target_link_libraries(${ARG_TARGET} PRIVATE Warden::sdk)
  # GNU "unique" symbols (libstdc++'s inline variables) would pin the library in memory forever:
  # without them a plugin is really unloaded when its folder is removed or replaced.
  target_compile_options(${ARG_TARGET} PRIVATE $<$<CXX_COMPILER_ID:GNU>:-fno-gnu-unique>)
  # A symbol no source defines fails the build here, not the plugin's load in the host later.
  target_link_options(${ARG_TARGET} PRIVATE $<$<PLATFORM_ID:Linux>:LINKER:--no-undefined>)
  set_target_properties(${ARG_TARGET} PROPERTIES
    PREFIX "lib"
    OUTPUT_NAME ${key}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(ARG_FOLDER)
    set_target_properties(${ARG_TARGET} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_FOLDER})
  endif()
endfunction()
