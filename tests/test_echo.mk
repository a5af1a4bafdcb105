test_echo_OBJS = src/echo.o src/echo_conn.o src/echo_client.o src/privs.o src/util.o
