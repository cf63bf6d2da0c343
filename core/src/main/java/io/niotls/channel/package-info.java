/**
 * {@link io.niotls.channel.TlsChannel}: TLS as a {@link java.nio.channels.ByteChannel} over a
 * socket the application drives itself, blocking (a thread, or a virtual thread, per connection) or
 * non-blocking under its own selector. The same {@link io.niotls.engine.TlsEngine} as the selector
 * loop's, fed through a {@link io.niotls.transport.MemoryTransport}.
 */
package io.niotls.channel;
