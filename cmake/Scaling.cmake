# Scaling.cmake - modscore beyond one process (issue 24): the Python binding
# (python/modscore, ctypes over libmodscore), the Dask job modscore-dask,
# the template unit modscore@.service for several services behind HAProxy
# (examples/haproxy/haproxy.cfg is installed with the examples), and their
# tests. Included last from CMakeLists.txt: after Packaging.cmake,
# whose unit directory and configuration paths it uses, and after tests/,
# whose CTestCustom.cmake it adds to.

# ms_score_jsonl_line: a JSON Lines line to its record, for the binding.
target_sources(modscore_obj PRIVATE src/record.c)

# ------------------------------------------------------------------ binding
# Installed where Debian's python3 finds it. The package's _paths.py names
# the library it loads and the shipped models by absolute path, so it never
# picks up another installation's; the build tree gets its own copy of the
# package (build/python) pointing at the built library and the source models.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(ms_pydir /usr/lib/python3/dist-packages)
else()
  set(ms_pydir ${CMAKE_INSTALL_PREFIX}/lib/python3/dist-packages)
endif()
set(MS_PYTHON_DIR ${ms_pydir} CACHE PATH
  "Where the Python package modscore is installed (empty: not installed)")
file(GLOB ms_py_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/python/modscore/*.py)

set(ms_py_build ${CMAKE_CURRENT_BINARY_DIR}/python/modscore)
foreach(f IN LISTS ms_py_sources)
  get_filename_component(n ${f} NAME)
  configure_file(${f} ${ms_py_build}/${n} COPYONLY)
endforeach()
file(GENERATE OUTPUT ${ms_py_build}/_paths.py CONTENT
"# The build tree's copy (cmake/Scaling.cmake): the built library, the source models.
LIBRARY = \"$<TARGET_FILE_DIR:modscore>/libmodscore.so.0\"
MODELS = \"${CMAKE_CURRENT_SOURCE_DIR}/models\"
")
configure_file(python/modscore-dask ${CMAKE_CURRENT_BINARY_DIR}/python/modscore-dask COPYONLY)

if(MS_PYTHON_DIR)
  set(MS_PY_LIBRARY ${CMAKE_INSTALL_FULL_LIBDIR}/libmodscore.so.0)
  set(MS_PY_MODELS ${CMAKE_INSTALL_FULL_DATADIR}/modscore/models)
  configure_file(python/modscore/_paths.py.in python/install/_paths.py @ONLY)
  install(FILES ${ms_py_sources} ${CMAKE_CURRENT_BINARY_DIR}/python/install/_paths.py
    DESTINATION ${MS_PYTHON_DIR}/modscore)
  install(PROGRAMS python/modscore-dask DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

# ------------------------------------------------------------------ units
# modscore@PORT.service: one `modscore serve` per port, for a load balancer.
if(MS_SYSTEMD_UNITDIR)
  configure_file(packaging/modscore@.service.in modscore@.service @ONLY)
  install(FILES ${CMAKE_CURRENT_BINARY_DIR}/modscore@.service DESTINATION ${MS_SYSTEMD_UNITDIR})
endif()

# ------------------------------------------------------------------ tests
# Debian's python3, not whichever python is first on PATH: the binding is
# installed for it, and python3-distributed is its package.
if(BUILD_TESTING)
  set(MS_PYTHON3 /usr/bin/python3 CACHE FILEPATH "The python3 the binding is tested with")
  set(ms_t ${CMAKE_CURRENT_SOURCE_DIR}/tests/scaling)
  set(ms_env "PYTHONPATH=${CMAKE_CURRENT_BINARY_DIR}/python" "MODSCORE_MODELS=${CMAKE_CURRENT_SOURCE_DIR}/models")
  # The Asan build's library needs the sanitizer's runtime first in a
  # python that was not built with it: preloaded, leaks not counted (python
  # keeps what it allocates until exit); python_leak is valgrind's, which
  # cannot run an instrumented library, so it is the other builds' test.
  if(MS_SANITIZED)
    execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libasan.so
      OUTPUT_VARIABLE ms_libasan OUTPUT_STRIP_TRAILING_WHITESPACE)
    list(APPEND ms_env "LD_PRELOAD=${ms_libasan}" "ASAN_OPTIONS=detect_leaks=0")
  endif()
  add_test(NAME python_binding COMMAND ${MS_PYTHON3} ${ms_t}/test_binding.py
    $<TARGET_FILE:modscore_cli> ${CMAKE_CURRENT_SOURCE_DIR})
  set_tests_properties(python_binding PROPERTIES ENVIRONMENT "${ms_env}")
  if(NOT MS_SANITIZED)
    add_test(NAME python_leak COMMAND ${ms_t}/leak.sh ${MS_PYTHON3} ${ms_t})
    set_tests_properties(python_leak PROPERTIES ENVIRONMENT "${ms_env}" SKIP_RETURN_CODE 77)
  endif()
  add_test(NAME dask_cluster COMMAND ${ms_t}/dask_cluster.sh ${MS_PYTHON3}
    $<TARGET_FILE:modscore_cli> ${CMAKE_CURRENT_BINARY_DIR}/python/modscore-dask ${ms_t})
  set_tests_properties(dask_cluster PROPERTIES ENVIRONMENT "${ms_env}" SKIP_RETURN_CODE 77)
  add_test(NAME haproxy_reload COMMAND ${ms_t}/haproxy_reload.sh $<TARGET_FILE:modscore_cli>
    ${CMAKE_CURRENT_SOURCE_DIR})
  set_tests_properties(haproxy_reload PROPERTIES SKIP_RETURN_CODE 77)
  # `ctest -T memcheck` would put python and the Dask processes under
  # valgrind (python_leak runs the binding under valgrind itself), and
  # haproxy_reload's load would slow to a trickle.
  file(APPEND ${CMAKE_BINARY_DIR}/CTestCustom.cmake
    "list(APPEND CTEST_CUSTOM_MEMCHECK_IGNORE python_binding python_leak dask_cluster haproxy_reload)\n")
endif()
