#!/usr/bin/env bash
# Builds the C library and installs it under PREFIX (default /usr/local):
# lib/libmsxca.{so,a}, include/msxca.h and lib/pkgconfig/msxca.pc, so that
# `cc prog.c $(pkg-config --cflags --libs msxca)` links it.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${1:-/usr/local}"
cargo build --release -p msxca-capi
version=$(sed -n 's/^version = "\(.*\)"/\1/p' capi/Cargo.toml | head -1)
mkdir -p "$prefix/lib/pkgconfig" "$prefix/include"
cp target/release/libmsxca.so target/release/libmsxca.a "$prefix/lib/"
cp capi/include/msxca.h "$prefix/include/"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" capi/msxca.pc.in > "$prefix/lib/pkgconfig/msxca.pc"
echo "installed msxca $version under $prefix"
