# Momentum: multi-stage build, small non-root runtime image, SQLite on a volume.
FROM rust:1-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY migrations ./migrations
# The chart font and the board page are embedded in the binary at build time.
COPY assets ./assets
RUN cargo build --release --locked && strip target/release/momentum

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data momentum \
 && mkdir -p /data && chown momentum /data
COPY --from=build /src/target/release/momentum /usr/local/bin/momentum
USER momentum
WORKDIR /data
VOLUME ["/data"]
ENV DATABASE_URL=sqlite:///data/momentum.db \
    PORT=3000 \
    RUST_LOG=info
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s \
  CMD curl -fsS "http://127.0.0.1:${PORT}/healthz" || exit 1
ENTRYPOINT ["momentum"]
CMD ["serve"]
