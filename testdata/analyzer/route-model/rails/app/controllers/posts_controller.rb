class PostsController < ApplicationController
  def create
    Post.create!(params.require(:post).permit(:title))
  end

  def publish
    Post.find(params[:id]).publish!
  end
end
