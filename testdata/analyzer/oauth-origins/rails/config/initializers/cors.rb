Rails.application.config.middleware.insert_before 0, Rack::Cors do
  allow do
    origins "https://shop.example.com", "https://shop.example.net"
    resource "*", headers: :any, methods: [:get, :post]
  end
  allow do
    origins "*"
    resource "/public/*", headers: :any, methods: :get
  end
end
