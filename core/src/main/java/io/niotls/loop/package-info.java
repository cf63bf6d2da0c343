/**
 * The selector loop: {@link io.niotls.loop.TlsServer} and {@link io.niotls.loop.TlsClient} drive
 * {@link io.niotls.engine.TlsEngine}s over non-blocking sockets on a {@link
 * io.niotls.loop.TlsEventLoopGroup}, and hand the application {@link io.niotls.loop.TlsSession}s
 * and {@link io.niotls.loop.SessionHandler} callbacks.
 *
 * <p>Threading in one paragraph: each session lives on one loop thread, and its handler's callbacks
 * run there, one at a time. Session methods may be called from any thread and hand their work to
 * that loop. Delegated TLS tasks and name lookups run on the group's worker pool, never on a loop.
 * Futures complete on loop threads.
 */
package io.niotls.loop;
