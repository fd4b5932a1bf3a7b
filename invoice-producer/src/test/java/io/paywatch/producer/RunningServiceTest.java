package io.paywatch.producer;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.support.TestPropertyProvider;
import io.paywatch.testkit.KafkaBrokerExtension;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

/**
 * The setup of a test class that drives one running invoice-producer over HTTP: the shared broker, the
 * configuration of {@link TestSupport#properties()} (override {@link #getProperties()} to change it before the
 * service starts) and a {@link RawHttp} client on the embedded server. Subclasses add {@code @MicronautTest}.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RunningServiceTest implements TestPropertyProvider {

    @Inject
    protected EmbeddedServer server;

    protected RawHttp http;

    @Override
    public Map<String, String> getProperties() {
        return TestSupport.properties();
    }

    @BeforeAll
    protected void startHttpClient() {
        http = new RawHttp(server.getURL().toString());
    }
}
