# Compiles a CO-RE BPF program with clang and turns it into a libbpf skeleton header.
# vmlinux.h is generated from the build machine's BTF (the program is CO-RE, so the
# resulting object relocates to any kernel with BTF).
find_program(BPF_CLANG NAMES clang-14 clang REQUIRED)
find_program(BPFTOOL NAMES bpftool PATHS /usr/sbin /sbin REQUIRED)
set(VMLINUX_BTF /sys/kernel/btf/vmlinux CACHE FILEPATH "Kernel BTF used to generate vmlinux.h")

if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
  set(BPF_TARGET_ARCH x86)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "aarch64|arm64")
  set(BPF_TARGET_ARCH arm64)
else()
  message(FATAL_ERROR "apisensor's BPF programs support x86_64 and arm64, not ${CMAKE_SYSTEM_PROCESSOR}")
endif()

function(apisensor_bpf_skeleton name source)
  set(gen ${CMAKE_CURRENT_BINARY_DIR}/gen)
  set(vmlinux ${gen}/vmlinux.h)
  set(object ${gen}/${name}.bpf.o)
  set(skeleton ${gen}/${name}.skel.h)
  if(NOT TARGET apisensor_vmlinux_h)
    if(NOT EXISTS ${VMLINUX_BTF})
      message(FATAL_ERROR "${VMLINUX_BTF} is missing: this kernel has no BTF (CONFIG_DEBUG_INFO_BTF), which CO-RE needs.")
    endif()
    add_custom_command(OUTPUT ${vmlinux}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${gen}
      COMMAND ${BPFTOOL} btf dump file ${VMLINUX_BTF} format c > ${vmlinux}.tmp
      COMMAND ${CMAKE_COMMAND} -E rename ${vmlinux}.tmp ${vmlinux}
      COMMENT "Generating vmlinux.h from ${VMLINUX_BTF}")
    add_custom_target(apisensor_vmlinux_h DEPENDS ${vmlinux})
  endif()
  add_custom_command(OUTPUT ${object}
    COMMAND ${BPF_CLANG} -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_${BPF_TARGET_ARCH}
            -I${gen} -I${CMAKE_CURRENT_SOURCE_DIR} -Wall -Werror -Wno-unused-function
            -c ${CMAKE_CURRENT_SOURCE_DIR}/${source} -o ${object}
    DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${source} ${ARGN} ${vmlinux}
    COMMENT "Compiling BPF program ${source}")
  add_custom_command(OUTPUT ${skeleton}
    COMMAND ${BPFTOOL} gen skeleton ${object} name ${name} > ${skeleton}.tmp
    COMMAND ${CMAKE_COMMAND} -E rename ${skeleton}.tmp ${skeleton}
    DEPENDS ${object}
    COMMENT "Generating BPF skeleton ${name}.skel.h")
  add_custom_target(${name}_skel DEPENDS ${skeleton})
  add_library(${name}_bpf INTERFACE)
  add_dependencies(${name}_bpf ${name}_skel)
  target_include_directories(${name}_bpf INTERFACE ${gen} ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(${name}_bpf INTERFACE PkgConfig::LIBBPF)
endfunction()
