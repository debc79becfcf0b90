# warden_add_plugin(<key> SOURCES <file>... [FOLDER <dir>])
#
# Builds lib<key>.so as a Warden plugin: a MODULE library against Warden::sdk whose only exported
# symbol is the entry point. With FOLDER, the built library is also copied into <dir>, the plugin
# folder that holds its manifest.json, so the folder can be dropped into a plugins directory.
function(warden_add_plugin key)
  cmake_parse_arguments(ARG "" "FOLDER" "SOURCES" ${ARGN})
  add_library(${key} MODULE ${ARG_SOURCES})
  target_link_libraries(${key} PRIVATE Warden::sdk)
  set_target_properties(${key} PROPERTIES
    PREFIX "lib"
    OUTPUT_NAME ${key}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(ARG_FOLDER)
    set_target_properties(${key} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_FOLDER})
  endif()
endfunction()
