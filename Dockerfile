# One multi-stage Dockerfile for every Paywatch service; docker-compose picks the module with a build arg:
#   docker build --build-arg MODULE=stream-processor -t paywatch/stream-processor .
# Stage 1 builds the module (and the modules it depends on) with the Maven wrapper; stage 2 keeps only
# the shaded jar on a JRE. The whole tree is copied (see .dockerignore) rather than poms first, so a new
# module in the root pom never breaks the image build.
ARG JDK_IMAGE=eclipse-temurin:17-jdk
ARG JRE_IMAGE=eclipse-temurin:17-jre

FROM ${JDK_IMAGE} AS build
ARG MODULE
WORKDIR /src
COPY . .
RUN test -n "${MODULE}" || (echo "build with --build-arg MODULE=<invoice-producer|stream-processor|alert-service>" >&2 && exit 1)
RUN ./mvnw -B -q -pl "${MODULE}" -am package -DskipTests \
    && cp "${MODULE}/target/${MODULE}-0.1.0-SNAPSHOT.jar" /app.jar

FROM ${JRE_IMAGE}
ARG MODULE
# curl only serves the container healthcheck against /health.
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app paywatch && mkdir -p /app/state && chown -R paywatch /app
WORKDIR /app
COPY --from=build /app.jar /app/app.jar
USER paywatch
ENV PAYWATCH_MODULE=${MODULE} \
    JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+UseParallelGC"
EXPOSE 8081 8082 8083
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/app.jar"]
