# Patchbay daemon image: the one binary on Debian, state in PostgreSQL
# (PATCHBAY_DATABASE_URL), provisioned secrets sealed with the keyset at
# PATCHBAY_KEYSET_FILE (mount it; never bake it into the image).
#   docker build -t patchbay .
#   docker compose up -d        # with PostgreSQL, see compose.yaml
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=v0.0.0-docker
# cgo: the tree-sitter grammars are C. The binary then links glibc only,
# which the bookworm runtime stage has (cmd/patchbay TestDockerfileBuilds
# runs this instruction and checks both).
RUN CGO_ENABLED=1 go build -trimpath \
      -ldflags "-X github.com/patchbay-dev/patchbay/internal/buildinfo.Version=${VERSION}" \
      -o /out/patchbay ./cmd/patchbay

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates git \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --create-home --home-dir /var/lib/patchbay patchbay
COPY --from=build /out/patchbay /usr/local/bin/patchbay
# A fixed uid: compose.yaml gives the keyset secret to this user.
USER 10001:10001
ENV PATCHBAY_HOME=/var/lib/patchbay \
    PATCHBAY_KEYRING_BACKEND=file
WORKDIR /workspace
ENTRYPOINT ["patchbay"]
CMD ["daemon", "--log-json"]
