# warden_add_plugin(<key> SOURCES <file>... [TARGET <name>] [FOLDER <dir>]
#                   [MANIFEST <file>] [HELP <file>] [TEMPLATES <dir>])
#
# Builds lib<key>.so as a Warden plugin: a MODULE library against Warden::sdk whose only exported
# symbol is the entry point. The CMake target is <key> unless TARGET names another.
#
# With FOLDER, the build writes a whole plugin folder into <dir>, ready to be dropped into a
# plugins directory: the library, and beside it the manifest (MANIFEST, by default manifest.json
# beside the calling CMakeLists.txt), the help (HELP, by default help.md there) and the templates
# (TEMPLATES, by default the templates/ folder there, copied with its subfolders). A default that
# does not exist is skipped (`warden validate` names a folder without a manifest); a file named
# explicitly must exist. An edited manifest, help or template is copied again at the next build,
# without relinking the library.
function(warden_add_plugin key)
  cmake_parse_arguments(ARG "" "FOLDER;TARGET;MANIFEST;HELP;TEMPLATES" "SOURCES" ${ARGN})
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "warden_add_plugin(${key}): unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
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
  if(NOT ARG_FOLDER)
    if(ARG_MANIFEST OR ARG_HELP OR ARG_TEMPLATES)
      message(FATAL_ERROR "warden_add_plugin(${key}): MANIFEST, HELP and TEMPLATES need FOLDER")
    endif()
    return()
  endif()
  set_target_properties(${ARG_TARGET} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_FOLDER})
  _warden_stage_file(${ARG_TARGET} "${ARG_MANIFEST}" manifest.json ${ARG_FOLDER}/manifest.json)
  _warden_stage_file(${ARG_TARGET} "${ARG_HELP}" help.md ${ARG_FOLDER}/help.md)
  _warden_stage_templates(${ARG_TARGET} "${ARG_TEMPLATES}" ${ARG_FOLDER}/templates)
endfunction()

# Copies <given> (or, when empty, <default_name> beside the calling CMakeLists.txt if it exists) to
# <destination> at build time, as part of <target>.
function(_warden_stage_file target given default_name destination)
  if(given)
    get_filename_component(source ${given} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    if(NOT EXISTS ${source})
      message(FATAL_ERROR "warden_add_plugin(${target}): ${given} does not exist")
    endif()
  elseif(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${default_name})
    set(source ${CMAKE_CURRENT_SOURCE_DIR}/${default_name})
  else()
    return()
  endif()
  get_filename_component(parent ${destination} DIRECTORY)
  add_custom_command(OUTPUT ${destination}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${parent}
    COMMAND ${CMAKE_COMMAND} -E copy ${source} ${destination}
    DEPENDS ${source}
    COMMENT "Staging ${destination}"
    VERBATIM)
  # A staged file is part of the target, never compiled (a template may be called anything).
  set_source_files_properties(${destination} PROPERTIES HEADER_FILE_ONLY ON)
  target_sources(${target} PRIVATE ${destination})
endfunction()

# Stages every file below <given> (or templates/ beside the calling CMakeLists.txt) into
# <destination>, keeping subfolders. A file added later is found at the next build.
function(_warden_stage_templates target given destination)
  if(given)
    get_filename_component(source_dir ${given} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    if(NOT IS_DIRECTORY ${source_dir})
      message(FATAL_ERROR "warden_add_plugin(${target}): ${given} is not a directory")
    endif()
  elseif(IS_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/templates)
    set(source_dir ${CMAKE_CURRENT_SOURCE_DIR}/templates)
  else()
    return()
  endif()
  file(GLOB_RECURSE files RELATIVE ${source_dir} CONFIGURE_DEPENDS ${source_dir}/*)
  foreach(file ${files})
    _warden_stage_file(${target} ${source_dir}/${file} unused ${destination}/${file})
  endforeach()
endfunction()
