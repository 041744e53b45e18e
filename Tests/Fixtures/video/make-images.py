#!/usr/bin/python3
"""Writes the PNG fixtures of the video tests (run from this directory; the outputs are committed):
  blue-320x240.png     RGB, a blue picture with a white 40x40 square; rows use all five PNG filters
  palette-64x48.png    8-bit palette, the left half yellow and the right half black (50/50)
  gray-alpha-30x20.png gray + alpha, 16-bit, all white
"""
import struct
import zlib


def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def filtered(rows, bpp):
    out = bytearray()
    previous = bytes(len(rows[0]))
    for y, row in enumerate(rows):
        kind = y % 5
        line = bytearray()
        for i, x in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b = previous[i]
            c = previous[i - bpp] if i >= bpp else 0
            predictor = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
            line.append((x - predictor) & 0xFF)
        out += bytes([kind]) + line
        previous = row
    return bytes(out)


def png(path, width, height, depth, color, rows, bpp, palette=None):
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, 0))
    if palette:
        data += chunk(b"PLTE", palette)
    data += chunk(b"IDAT", zlib.compress(filtered(rows, bpp), 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)


rows = []
for y in range(240):
    row = bytearray()
    for x in range(320):
        row += bytes([255, 255, 255]) if 140 <= x < 180 and 100 <= y < 140 else bytes([0, 0, 255])
    rows.append(bytes(row))
png("blue-320x240.png", 320, 240, 8, 2, rows, 3)

rows = [bytes([0 if x < 32 else 1 for x in range(64)]) for _ in range(48)]
png("palette-64x48.png", 64, 48, 8, 3, rows, 1, palette=bytes([255, 255, 0, 0, 0, 0]))

rows = [bytes([255, 255, 255, 255] * 30) for _ in range(20)]
png("gray-alpha-30x20.png", 30, 20, 16, 4, rows, 4)
