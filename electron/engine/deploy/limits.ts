// Size limits of a model package, checked before anything is read or allocated (reading) and before
// anything is written (saving), so Augur never writes a package it would refuse to open.

/** A whole `.augur` file, as read into memory. */
export const MAX_AUGUR_BYTES = 1 << 30; // 1 GiB
/** All files of a package together, uncompressed. */
export const MAX_TOTAL_BYTES = 2 ** 31; // 2 GiB
/** One binary file (weights.bin, arrays.bin). */
export const MAX_BINARY_BYTES = 1 << 30;
/** One JSON file (a tree model, the ensemble recipe). A 200 MB JSON is refused before it is read. */
export const MAX_JSON_BYTES = 128 << 20;
/** manifest.json (it holds the column schema, the encoder and the optional slots). */
export const MAX_MANIFEST_BYTES = 64 << 20;
export const MAX_README_BYTES = 1 << 20;
/** Entries of a zip, files of a package. */
export const MAX_ENTRIES = 10_000;
/** Nesting of any JSON value (objects and arrays). */
export const MAX_JSON_DEPTH = 64;
/** Arrays in arrays.bin. */
export const MAX_ARRAYS = 1000;
