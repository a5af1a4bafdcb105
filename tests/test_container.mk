# SPDX-License-Identifier: BSD-2-Clause
test_container_OBJS = src/container.o src/container_name.o
