package dev.postillion.loadtest.wire;

import io.gatling.core.CoreComponents;
import io.gatling.core.config.GatlingConfiguration;
import io.gatling.core.protocol.Protocol;
import io.gatling.core.protocol.ProtocolComponents;
import io.gatling.core.protocol.ProtocolKey;
import java.util.function.BiFunction;
import scala.Function1;

/** The key through which Gatling finds a protocol's settings and makes its components. */
public final class ProtocolKeys {

    private ProtocolKeys() {}

    /**
     * @param defaults the settings of a scenario that names no protocol of this kind
     * @param components makes the components of a simulation's protocol
     */
    public static <P extends Protocol, C extends ProtocolComponents> ProtocolKey<P, C> of(Class<P> protocolClass,
            P defaults, BiFunction<P, CoreComponents, C> components) {
        return new ProtocolKey<>() {
            @Override
            @SuppressWarnings("unchecked")
            public Class<Protocol> protocolClass() {
                return (Class<Protocol>) (Class<?>) protocolClass;
            }

            @Override
            public P defaultProtocolValue(GatlingConfiguration configuration) {
                return defaults;
            }

            @Override
            public Function1<P, C> newComponents(CoreComponents core) {
                return protocol -> components.apply(protocol, core);
            }
        };
    }
}
