package io.niotls.engine;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * The engine contract of DESIGN.md, for one combination of client and server provider: each
 * subclass names its {@link io.niotls.testing.Peers} and inherits every test. The tests live in the
 * contract interfaces, one concern each, and run over {@code MemoryTransport} (chunked from one
 * byte to whole records) and over loopback sockets.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
abstract class EngineContractTest
    implements HandshakeContract,
        StatusContract,
        ShutdownContract,
        SocketContract,
        ResumptionContract,
        TrustContract,
        KeySelectionContract,
        MutualTlsContract,
        BufferContract {}
