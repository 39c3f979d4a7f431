# Compile settings shared by every target of the project.
set(ASLR_WARNINGS
  -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes
  -Wpointer-arith -Wcast-qual -Wwrite-strings -Wvla -Wundef -Wconversion -Wno-sign-conversion)
if(ASLR_WERROR)
  list(APPEND ASLR_WARNINGS -Werror)
endif()

# aslr_target_defaults(TARGET [PLAIN])
# Warnings for every target; sanitizers too unless PLAIN (the probes: ASan reserves
# shadow memory at fixed addresses and changes the very layout being measured).
function(aslr_target_defaults target)
  cmake_parse_arguments(ARG "PLAIN" "" "" ${ARGN})
  target_compile_options(${target} PRIVATE ${ASLR_WARNINGS})
  target_compile_definitions(${target} PRIVATE _GNU_SOURCE
    ASLR_VERSION="${PROJECT_VERSION}")
  if(ASLR_SANITIZE AND NOT ARG_PLAIN)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined
      -fno-sanitize-recover=all -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
  if(ASLR_FUZZ AND NOT ARG_PLAIN)
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
  endif()
endfunction()
