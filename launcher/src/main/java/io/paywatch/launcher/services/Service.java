package io.paywatch.launcher.services;

/** The three Paywatch services the launcher runs, with the port variable each one reads. */
public enum Service {
    INVOICE_PRODUCER("invoice-producer", "PAYWATCH_PRODUCER_PORT"),
    STREAM_PROCESSOR("stream-processor", "PAYWATCH_PROCESSOR_PORT"),
    ALERT_SERVICE("alert-service", "PAYWATCH_ALERTS_PORT");

    private final String module;
    private final String portVariable;

    Service(String module, String portVariable) {
        this.module = module;
        this.portVariable = portVariable;
    }

    /** Maven module and jar name. */
    public String module() {
        return module;
    }

    /** Environment variable the service's application.yml reads its HTTP port from. */
    public String portVariable() {
        return portVariable;
    }
}
