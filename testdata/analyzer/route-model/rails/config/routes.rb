Rails.application.routes.draw do
  get "/up", to: "rails/health#show"
  namespace :admin do
    resources :reports, only: [:index, :show]
  end
  resources :posts, except: :destroy do
    member do
      post :publish
    end
    resources :comments, only: [:create]
  end
  resource :profile, only: :show
  resources :stripe_events, only: :create
  scope "/api" do
    post "/hooks", to: "hooks#create"
  end
end
