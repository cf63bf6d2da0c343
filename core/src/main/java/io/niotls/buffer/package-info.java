/** Pooled network buffers: taken when a record moves, given back when a connection is idle. */
package io.niotls.buffer;
